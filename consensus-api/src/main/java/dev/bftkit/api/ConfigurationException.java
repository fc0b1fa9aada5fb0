package dev.bftkit.api;

/** A configuration that cannot work: an unknown plugin name, a missing option, incompatible plugins. */
public final class ConfigurationException extends BftException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a configuration mistake.
     *
     * @param message what is wrong and, where it helps, what would be accepted
     */
    public ConfigurationException(String message) {
        super(message, null);
    }

    /**
     * Creates the exception for a configuration mistake that another failure revealed (a plugin that failed to load,
     * for example).
     *
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.bftkit.api;

/** A configuration that cannot work: an unknown plugin name, a missing option, incompatible plugins. */
public final class ConfigurationException extends BftException {
    private static final long serialVersionUID = 1L;

    /** @param message what is wrong and, where it helps, what would be accepted */
    public ConfigurationException(String message) {
        super(message, null);
    }

    /**
     * @param message what is wrong
     * @param cause the underlying failure
     */
    public ConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.bftkit.log;

/**
 * Where a value was committed: the entry's height and the value's index among the entry's values.
 *
 * @param height the entry's height
 * @param index the value's index in the entry
 */
public record LogPosition(long height, int index) {
    /**
     * Validates.
     *
     * @param height 0 or more
     * @param index 0 or more
     * @throws IllegalArgumentException if either is negative
     */
    public LogPosition {
        if (height < 0 || index < 0) {
            throw new IllegalArgumentException("a position is never negative: " + height + "/" + index);
        }
    }

    @Override
    public String toString() {
        return height + "/" + index;
    }
}

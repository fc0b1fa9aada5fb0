package dev.bftkit.parsec;

import java.util.Arrays;

/** A growable list of ints kept in ascending order (graph indices arrive in increasing order). */
final class IntList {
    private int[] data = new int[8];
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int get(int i) {
        return data[i];
    }

    int first() {
        return data[0];
    }

    /** Appends a value greater than every value held. */
    void add(int v) {
        if (size > 0 && data[size - 1] >= v) {
            throw new IllegalStateException("values must be added in ascending order");
        }
        if (size == data.length) {
            data = Arrays.copyOf(data, size * 2);
        }
        data[size++] = v;
    }

    /** Removes every value held by {@code other}. */
    void removeAll(IntList other) {
        int w = 0;
        int j = 0;
        for (int i = 0; i < size; i++) {
            int v = data[i];
            while (j < other.size && other.data[j] < v) {
                j++;
            }
            if (j < other.size && other.data[j] == v) {
                continue;
            }
            data[w++] = v;
        }
        size = w;
    }
}

package dev.bftkit.cli;

import dev.bftkit.api.Bytes;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Formatting shared by the commands: values, durations, counts and plain tables. */
final class Text {
    private Text() {
    }

    /**
     * @param value decided bytes
     * @return the text if they are printable UTF-8 (quoted and cut at 48 characters), else {@code 0x} and hex
     */
    static String value(byte[] value) {
        Optional<String> text = printable(value);
        if (text.isPresent()) {
            String s = text.get();
            return "'" + (s.length() > 48 ? s.substring(0, 48) + "…" : s) + "'";
        }
        String hex = Bytes.hex(value);
        return "0x" + (hex.length() > 48 ? hex.substring(0, 48) + "…" : hex);
    }

    /**
     * @param value bytes
     * @return them as text if they are valid UTF-8 without control characters
     */
    static Optional<String> printable(byte[] value) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value)).toString();
            return s.codePoints().allMatch(c -> c >= 0x20 && c != 0x7f) ? Optional.of(s) : Optional.empty();
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /**
     * @param ms milliseconds
     * @return for example {@code 412 ms} or {@code 3.412 s}
     */
    static String millis(long ms) {
        return ms < 1000 ? ms + " ms" : String.format(Locale.ROOT, "%.3f s", ms / 1000.0);
    }

    /**
     * @param n a count
     * @return it with thousands separators
     */
    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * @param hex a hex string (a node id, a hash)
     * @return its first 8 digits
     */
    static String shortHex(Object hex) {
        String s = String.valueOf(hex);
        return s.length() > 8 ? s.substring(0, 8) : s;
    }

    /**
     * @param sortedNanos latencies in ns, sorted
     * @param q the quantile, 0 to 1 (0.5: the element at index k/2 of k)
     * @return the element at index ⌊q k⌋, in ms, or NaN if there is none
     */
    static double quantileMs(List<Long> sortedNanos, double q) {
        return sortedNanos.isEmpty() ? Double.NaN
                : sortedNanos.get(Math.min(sortedNanos.size() - 1, (int) (sortedNanos.size() * q))) / 1e6;
    }

    /**
     * @param p a probability
     * @return it as a percentage, for example {@code 20%}
     */
    static String percent(double p) {
        double v = p * 100;
        return (v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v)) + "%";
    }

    /** A plain text table: columns padded to their widest cell. */
    static final class Table {
        private final List<String[]> rows = new ArrayList<>();

        Table(String... header) {
            rows.add(header);
        }

        Table row(Object... cells) {
            String[] r = new String[cells.length];
            for (int i = 0; i < cells.length; i++) {
                r[i] = String.valueOf(cells[i]);
            }
            rows.add(r);
            return this;
        }

        String render() {
            int cols = rows.get(0).length;
            int[] w = new int[cols];
            for (String[] r : rows) {
                for (int i = 0; i < cols && i < r.length; i++) {
                    w[i] = Math.max(w[i], r[i].length());
                }
            }
            StringBuilder sb = new StringBuilder();
            for (String[] r : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < cols && i < r.length; i++) {
                    line.append(i == 0 ? "" : "  ").append(i == r.length - 1 ? r[i]
                            : String.format("%-" + w[i] + "s", r[i]));
                }
                sb.append(line.toString().stripTrailing()).append('\n');
            }
            return sb.toString();
        }
    }
}

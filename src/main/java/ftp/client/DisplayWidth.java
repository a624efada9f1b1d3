package ftp.client;

/**
 * How many terminal columns text takes: East Asian wide and full-width characters (Chinese, Japanese, Korean, full-
 * width forms, most emoji) take two, combining marks and control characters none, the rest one. Used to line up
 * columns and to place the cursor. Stateless; any thread.
 */
final class DisplayWidth {
    /** Start and end (inclusive) of the wide ranges of Unicode's East Asian Width tables, in order. */
    private static final int[][] WIDE = {
        {0x1100, 0x115F}, {0x231A, 0x231B}, {0x2329, 0x232A}, {0x23E9, 0x23EC}, {0x2E80, 0x303E},
        {0x3041, 0x33FF}, {0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xA000, 0xA4CF}, {0xA960, 0xA97F},
        {0xAC00, 0xD7A3}, {0xF900, 0xFAFF}, {0xFE10, 0xFE19}, {0xFE30, 0xFE6F}, {0xFF00, 0xFF60},
        {0xFFE0, 0xFFE6}, {0x1F300, 0x1F64F}, {0x1F900, 0x1F9FF}, {0x20000, 0x2FFFD}, {0x30000, 0x3FFFD},
    };

    private DisplayWidth() {}

    static int of(String text) {
        return text.codePoints().map(DisplayWidth::of).sum();
    }

    static int of(int codePoint) {
        int type = Character.getType(codePoint);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK || type == Character.FORMAT
                || Character.isISOControl(codePoint)) {
            return 0;
        }
        for (int[] range : WIDE) {
            if (codePoint < range[0]) {
                return 1;
            }
            if (codePoint <= range[1]) {
                return 2;
            }
        }
        return 1;
    }

    /** {@code text} followed by spaces up to {@code columns}; unchanged when already as wide. */
    static String pad(String text, int columns) {
        int width = of(text);
        return width >= columns ? text : text + " ".repeat(columns - width);
    }
}

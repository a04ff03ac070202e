package dev.steward.automations;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The two ways Prefect's triggers compare names with patterns, kept apart because they differ:
 * <ul>
 * <li>{@link #matches}: a label value or an event name against one pattern, as Prefect's {@code matches}: a leading
 * {@code !} negates, the rest is Python's {@code fnmatch.fnmatchcase} ({@code *} any run of characters, none
 * included; {@code ?} one character; {@code [seq]}, {@code [!seq]} a character class), matched against the whole value.
 * A value that is absent matches nothing, a negated pattern included.</li>
 * <li>{@link #eventNamePattern}: what Prefect's {@code EventTrigger.covers} tests event names with: each pattern
 * literal but for {@code *}, which stands for at least one character, tested from the start of the name only (a
 * pattern matches any name it is a prefix of).</li>
 * </ul>
 * Compiled patterns are cached, as Python caches its own; the cache is emptied when it grows large.
 */
final class Globs {
    private static final int CACHE_LIMIT = 10_000;
    private static final Map<String, Pattern> GLOBS = new ConcurrentHashMap<>();
    private static final Map<String, Pattern> EVENT_NAMES = new ConcurrentHashMap<>();
    private static final Pattern NEVER = Pattern.compile("(?!)");

    private Globs() {}

    static boolean matches(String expected, String value) {
        if (value == null) return false;
        boolean positive = !expected.startsWith("!");
        String pattern = positive ? expected : expected.substring(1);
        boolean match = glob(pattern).matcher(value).matches();
        return positive == match;
    }

    static Pattern glob(String pattern) {
        return cached(GLOBS, pattern, Globs::compileGlob);
    }

    /** A trigger's names, as the key of its compiled pattern: its sets' hashes are their strings' (cached) hashes. */
    private record Names(Collection<String> expect, Collection<String> after) {}

    private static final Map<Names, Pattern> NAME_SETS = new ConcurrentHashMap<>();

    /**
     * Any name when {@code expect} is empty; else any pattern of {@code expect} or {@code after}, from the start.
     * Compiled once per set of names: the evaluator asks for it for each event it tests against a trigger.
     */
    static Pattern eventNamePattern(Collection<String> expect, Collection<String> after) {
        Names names = new Names(expect, after);
        Pattern known = NAME_SETS.get(names);
        if (known != null) return known;
        if (NAME_SETS.size() >= CACHE_LIMIT) NAME_SETS.clear();
        Pattern compiled = compileEventNames(expect, after);
        NAME_SETS.put(names, compiled);
        return compiled;
    }

    private static Pattern compileEventNames(Collection<String> expect, Collection<String> after) {
        if (expect.isEmpty()) return cached(EVENT_NAMES, ".+", p -> Pattern.compile(p, Pattern.UNIX_LINES));
        List<String> alternatives = new ArrayList<>();
        for (Collection<String> patterns : List.of(expect, after)) {
            for (String pattern : patterns) {
                // each ".+" as an atomic lazy match of the next piece: the leftmost place a piece fits is always
                // as good as any later one, and many stars cannot then backtrack without end
                String[] pieces = pattern.split("\\*", -1);
                StringBuilder re = new StringBuilder(Pattern.quote(pieces[0]));
                for (int i = 1; i < pieces.length; i++) re.append("(?>.+?").append(Pattern.quote(pieces[i])).append(')');
                alternatives.add(re.toString());
            }
        }
        // UNIX_LINES: Python's "." stops only at "\n"
        return cached(EVENT_NAMES, String.join("|", alternatives), p -> Pattern.compile(p, Pattern.UNIX_LINES));
    }

    private static Pattern cached(Map<String, Pattern> cache, String key, Function<String, Pattern> compile) {
        Pattern pattern = cache.get(key);
        if (pattern != null) return pattern;
        if (cache.size() >= CACHE_LIMIT) cache.clear();
        return cache.computeIfAbsent(key, compile);
    }

    /** Python's fnmatch.translate, written out for Java's regular expressions. */
    private static Pattern compileGlob(String glob) {
        int[] cps = glob.codePoints().toArray();
        int n = cps.length;
        List<String> tokens = new ArrayList<>(); // null stands for a "*"
        int i = 0;
        while (i < n) {
            int c = cps[i++];
            if (c == '*') {
                if (tokens.isEmpty() || tokens.get(tokens.size() - 1) != null) tokens.add(null);
            } else if (c == '?') {
                tokens.add(".");
            } else if (c == '[') {
                int j = i;
                if (j < n && cps[j] == '!') j++;
                if (j < n && cps[j] == ']') j++;
                while (j < n && cps[j] != ']') j++;
                if (j >= n) {
                    tokens.add(literal('['));
                } else {
                    String set = characterSet(cps, i, j);
                    if (set == null) return NEVER;
                    tokens.add(set);
                    i = j + 1;
                }
            } else {
                tokens.add(literal(c));
            }
        }
        // as Python: fixed pieces, then each "* fixed" as an atomic lazy match so that many stars cannot backtrack
        StringBuilder re = new StringBuilder();
        int t = 0;
        while (t < tokens.size() && tokens.get(t) != null) re.append(tokens.get(t++));
        while (t < tokens.size()) {
            t++; // the star
            if (t == tokens.size()) {
                re.append(".*");
                break;
            }
            StringBuilder fixed = new StringBuilder();
            while (t < tokens.size() && tokens.get(t) != null) fixed.append(tokens.get(t++));
            if (t == tokens.size()) re.append(".*").append(fixed);
            else re.append("(?>.*?").append(fixed).append(')');
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    private static String literal(int c) {
        return "\\x{" + Integer.toHexString(c) + "}";
    }

    /**
     * The character set between {@code [} at {@code from - 1} and {@code ]} at {@code to}: first the text fnmatch
     * builds for Python's regex (its ranges with empty ones dropped, hyphens and backslashes escaped), then that text
     * read as Python's regex reads a set, so that every odd pattern means in Java what it means in Prefect. Null for
     * a set Python's regex would refuse (an inverted range); such a pattern matches nothing here.
     */
    private static String characterSet(int[] cps, int from, int to) {
        String body = fnmatchSetText(new String(cps, from, to - from));
        if (body == null) return null;
        if (body.isEmpty()) return "(?!)";
        if (body.equals("!")) return ".";
        int[] s = body.codePoints().toArray();
        int p = 0;
        boolean negate = false;
        if (s[0] == '!') {
            negate = true;
            p = 1;
        } else if (s[0] == '^' || s[0] == '[') {
            // fnmatch escapes these; read as a literal below
            s = ("\\" + body).codePoints().toArray();
        }
        StringBuilder out = new StringBuilder(negate ? "[^" : "[");
        while (p < s.length) {
            int lo = s[p] == '\\' && p + 1 < s.length ? s[++p] : s[p];
            p++;
            if (p < s.length && s[p] == '-' && p + 1 < s.length) {
                p++;
                int hi = s[p] == '\\' && p + 1 < s.length ? s[++p] : s[p];
                p++;
                if (hi < lo) return null;
                out.append(literal(lo)).append('-').append(literal(hi));
            } else {
                out.append(literal(lo));
                if (p < s.length && s[p] == '-') { // a "-" closing the set is itself a member
                    out.append(literal('-'));
                    p++;
                }
            }
        }
        return out.append(']').toString();
    }

    /**
     * fnmatch's own rewriting of a set's text (Python 3.11), before it reaches Python's regex; counted in code points
     * as Python counts. Null where Python itself would fail (a range emptied to nothing by an earlier one).
     */
    private static String fnmatchSetText(String text) {
        int[] stuff = text.codePoints().toArray();
        if (text.indexOf('-') < 0) return escapeSetOperations(text.replace("\\", "\\\\"));
        List<String> chunks = new ArrayList<>();
        int i = 0;
        int k = stuff[0] == '!' ? 2 : 1;
        while (true) {
            k = indexOf(stuff, '-', k);
            if (k < 0) break;
            chunks.add(new String(stuff, i, k - i));
            i = k + 1;
            k = k + 3;
        }
        if (i < stuff.length) chunks.add(new String(stuff, i, stuff.length - i));
        else chunks.set(chunks.size() - 1, chunks.get(chunks.size() - 1) + "-");
        // drop empty ranges (z-a), which Python's regex refuses: both ends go
        for (int m = chunks.size() - 1; m > 0; m--) {
            int[] before = chunks.get(m - 1).codePoints().toArray();
            int[] after = chunks.get(m).codePoints().toArray();
            if (before.length == 0 || after.length == 0) return null;
            if (before[before.length - 1] > after[0]) {
                chunks.set(m - 1, new String(before, 0, before.length - 1) + new String(after, 1, after.length - 1));
                chunks.remove(m);
            }
        }
        List<String> escaped = new ArrayList<>();
        for (String c : chunks) escaped.add(c.replace("\\", "\\\\").replace("-", "\\-"));
        return escapeSetOperations(String.join("-", escaped));
    }

    private static int indexOf(int[] cps, int c, int from) {
        for (int i = Math.max(0, from); i < cps.length; i++) {
            if (cps[i] == c) return i;
        }
        return -1;
    }

    private static String escapeSetOperations(String s) {
        return s.replaceAll("([&~|])", "\\\\$1");
    }
}

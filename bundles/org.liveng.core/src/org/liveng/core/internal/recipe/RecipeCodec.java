package org.liveng.core.internal.recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.ProblemReport;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Setting;

/**
 * Reads and writes recipes: a text file of {@code name = value} lines
 * ({@code #} comments, blank lines, values optionally in double quotes), plus
 * {@code name=value} overrides from the command line. Every name and value is
 * checked against {@link RecipeSettings}; all problems are reported at once,
 * each naming its line.
 */
public final class RecipeCodec {
    private static final Pattern LINE = Pattern.compile("^\\s*([a-z][a-z0-9.-]*)\\s*=\\s*(.*?)\\s*$");
    private static final Pattern SECRET = Pattern.compile("^(none|prompt|stdin|file:.+|env:[A-Za-z_][A-Za-z0-9_]*|pkcs11:.+)$");

    private RecipeCodec() {
    }

    /** Parses a recipe file's text; {@code source} names it in messages. */
    public static Recipe parse(String text, String source) throws LivengException {
        Map<String, String> values = new TreeMap<>();
        ProblemReport report = new ProblemReport();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String where = source + ":" + (i + 1);
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                report.error(ErrorCodes.USAGE, where, "expected 'name = value', found '" + line + "'", null);
                continue;
            }
            add(values, m.group(1), unquote(m.group(2)), where, report);
        }
        report.throwIfErrors(ErrorCodes.USAGE, "the recipe " + source + " has errors:");
        return new Recipe(values);
    }

    /** Applies {@code name=value} overrides (from {@code --set}) on top of a recipe. */
    public static Recipe override(Recipe base, List<String> assignments) throws LivengException {
        Map<String, String> values = new TreeMap<>(base.values());
        ProblemReport report = new ProblemReport();
        for (String a : assignments) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                report.error(ErrorCodes.USAGE, "--set option " + (assignments.indexOf(a) + 1), "expected name=value", null);
                continue;
            }
            add(values, a.substring(0, eq).strip(), unquote(a.substring(eq + 1).strip()), "--set " + a.substring(0, eq).strip(), report);
        }
        report.throwIfErrors(ErrorCodes.USAGE, "bad --set options:");
        return new Recipe(values);
    }

    private static void add(Map<String, String> values, String name, String value, String where, ProblemReport report) {
        Setting s = RecipeSettings.byName(name).orElse(null);
        if (s == null) {
            report.error(ErrorCodes.USAGE, where, "unknown setting '" + name + "'", "known settings: " + names());
            return;
        }
        String problem = check(s, value);
        if (problem != null) {
            report.error(ErrorCodes.USAGE, where, s.name() + ": " + problem, s.help());
            return;
        }
        values.put(name, value);
    }

    /** Why a value does not fit its setting, or {@code null} when it does. */
    static String check(Setting s, String value) {
        switch (s.type()) {
            case SIZE:
                if (value.equals("auto") && (s == RecipeSettings.IMAGE_SIZE || s == RecipeSettings.KDF_MEMORY) || value.equals("rest") && s == RecipeSettings.PERSISTENCE_SIZE) {
                    return null;
                }
                return parseSize(value) < 0 ? "'" + value + "' is not a size like 512, 256M or 4G" : null;
            case INTEGER:
                return value.isEmpty() && s.defaultValue() != null && s.defaultValue().isEmpty() || value.matches("-?\\d{1,18}") ? null
                        : "'" + value + "' is not a whole number";
            case BOOLEAN:
                return value.equals("true") || value.equals("false") ? null : "'" + value + "' is not true or false";
            case PROVIDER:
                return value.matches("[a-z0-9][a-z0-9-]*") ? null : "'" + value + "' is not a provider id (lower case, digits, dashes)";
            case SECRET_REF:
                return value.isEmpty() && s.defaultValue() != null && s.defaultValue().isEmpty() || SECRET.matcher(value).matches() ? null
                        : "must be none, prompt, stdin, file:PATH, env:NAME or pkcs11:URI; never put a secret itself in a recipe";
            default:
                return null;
        }
    }

    /** Bytes of a size like {@code 512}, {@code 256M}, {@code 4G} (binary units), or -1. */
    public static long parseSize(String value) {
        return org.liveng.api.recipe.Sizes.parse(value);
    }

    /** The recipe as text; {@link #parse} of it gives the same recipe. */
    public static String format(Recipe recipe) {
        StringBuilder sb = new StringBuilder("# liveng recipe\n");
        for (Setting s : RecipeSettings.ALL) {
            recipe.given(s.name()).ifPresent(v -> sb.append(s.name()).append(" = ").append(quote(v)).append('\n'));
        }
        return sb.toString();
    }

    /** The settings table as Markdown, for the documentation. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| setting | type | default | meaning |\n|---|---|---|---|\n");
        for (Setting s : RecipeSettings.ALL) {
            sb.append("| `").append(s.name()).append("` | ").append(s.type().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(s.defaultValue() == null || s.defaultValue().isEmpty() ? "" : "`" + s.defaultValue() + "`").append(" | ")
                    .append(s.help()).append(" |\n");
        }
        return sb.toString();
    }

    /** The settings table as plain data (for JSON). */
    public static List<Map<String, String>> describe() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Setting s : RecipeSettings.ALL) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("name", s.name());
            m.put("type", s.type().name().toLowerCase(Locale.ROOT));
            m.put("default", s.defaultValue());
            m.put("help", s.help());
            out.add(m);
        }
        return out;
    }

    private static String names() {
        return String.join(", ", RecipeSettings.ALL.stream().map(Setting::name).toList());
    }

    private static String unquote(String v) {
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            return v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
        }
        return v;
    }

    private static String quote(String v) {
        if (v.isEmpty() || v.matches(".*[\\s\"#\\\\].*")) {
            return "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return v;
    }
}

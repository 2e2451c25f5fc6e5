package org.liveng.api.recipe;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A parsed, validated image recipe: setting name to value (recipe syntax).
 * Values that were not given are absent; use {@link #get(Setting)} to apply
 * the declared default.
 */
public record Recipe(Map<String, String> values) {
    public Recipe {
        values = Map.copyOf(values);
    }

    public static Recipe empty() {
        return new Recipe(Map.of());
    }

    /** The value given for the setting, or its default (possibly {@code null}). */
    public String get(Setting setting) {
        return values.getOrDefault(setting.name(), setting.defaultValue());
    }

    public Optional<String> given(String name) {
        return Optional.ofNullable(values.get(name));
    }

    /** A copy with one value replaced. */
    public Recipe with(String name, String value) {
        Map<String, String> m = new TreeMap<>(values);
        m.put(name, value);
        return new Recipe(m);
    }
}

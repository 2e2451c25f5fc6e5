package org.liveng.api.recipe;

import java.util.Objects;

/**
 * One recipe setting, declared once: the single table of settings drives the
 * recipe parser, {@code --help}, the documentation table and the JSON dump.
 *
 * @param name dotted name, e.g. {@code persistence.encryption}
 * @param type value type
 * @param defaultValue default in recipe syntax, or {@code null} when required
 * @param help one sentence
 */
public record Setting(String name, SettingType type, String defaultValue, String help) {
    public Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(help, "help");
    }

    public boolean required() {
        return defaultValue == null;
    }
}

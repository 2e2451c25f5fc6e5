package org.liveng.core.internal.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.liveng.api.ErrorCodes;
import org.liveng.api.LivengException;
import org.liveng.api.recipe.Recipe;
import org.liveng.api.recipe.RecipeSettings;
import org.liveng.api.recipe.Setting;

/** The single settings table drives parsing, formatting and the docs; they agree. */
class RecipeCodecTest {

    @Test
    void formatThenParseIsTheIdentity() throws LivengException {
        Recipe r = new Recipe(Map.of(
                "persistence.size", "4G",
                "boot.kernel-args", "quiet splash \"x\" # not a comment",
                "reproducible.seed", "release-12.7",
                "boot.serial", "true",
                "persistence.passphrase", "file:/run/secrets/pp"));
        assertEquals(r, RecipeCodec.parse(RecipeCodec.format(r), "round-trip"));
    }

    @Test
    void everySettingsDefaultIsAValidValueOfItsType() {
        for (Setting s : RecipeSettings.ALL) {
            assertEquals(null, RecipeCodec.check(s, s.defaultValue()), s.name() + " default " + s.defaultValue());
        }
    }

    @Test
    void allProblemsFailAtOnceNamingTheirLines() {
        String text = "# test\nboot.timeout = soon\nno.such = 1\n\njust words\npersistence.size = 12Q\n";
        LivengException e = assertThrows(LivengException.class, () -> RecipeCodec.parse(text, "r.conf"));
        assertEquals(ErrorCodes.USAGE, e.code());
        assertTrue(e.getMessage().contains("r.conf:2: boot.timeout: 'soon' is not a whole number"), e.getMessage());
        assertTrue(e.getMessage().contains("r.conf:3: unknown setting 'no.such'"), e.getMessage());
        assertTrue(e.getMessage().contains("r.conf:5: expected 'name = value'"), e.getMessage());
        assertTrue(e.getMessage().contains("r.conf:6: persistence.size: '12Q' is not a size"), e.getMessage());
    }

    @Test
    void aPassphraseInARecipeFailWithoutEchoingIt() {
        LivengException e = assertThrows(LivengException.class,
                () -> RecipeCodec.parse("persistence.passphrase = hunter2-secret\n", "r.conf"));
        assertTrue(e.getMessage().contains("never put a secret itself in a recipe"), e.getMessage());
        assertTrue(!e.getMessage().contains("hunter2-secret"), "the value must not be echoed: " + e.getMessage());
    }

    @Test
    void overridesReplaceRecipeValues() throws LivengException {
        Recipe base = RecipeCodec.parse("persistence.size = 1G\n", "r");
        Recipe r = RecipeCodec.override(base, List.of("persistence.size=2G", "boot.timeout=0"));
        assertEquals("2G", r.get(RecipeSettings.PERSISTENCE_SIZE));
        assertEquals("0", r.get(RecipeSettings.BOOT_TIMEOUT));
        assertThrows(LivengException.class, () -> RecipeCodec.override(base, List.of("persistence.size")));
    }

    @ParameterizedTest
    @CsvSource({ "512,512", "1K,1024", "256M,268435456", "4G,4294967296", "1GiB,1073741824", "12Q,-1", "-1,-1", "99999999999T,-1" })
    void sizes(String text, long bytes) {
        assertEquals(bytes, RecipeCodec.parseSize(text));
    }

    @Test
    void theDocumentationTableIsTheGeneratedOne() throws Exception {
        Path doc = repo().resolve("docs/recipe.md");
        String text = Files.readString(doc, StandardCharsets.UTF_8);
        assertTrue(text.contains(RecipeCodec.markdownTable()),
                doc + " must contain the settings table exactly as RecipeCodec.markdownTable() renders it:\n" + RecipeCodec.markdownTable());
    }

    private static Path repo() {
        return org.liveng.testing.TestRepo.root();
    }
}

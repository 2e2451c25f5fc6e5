package org.liveng.api.crypt;

import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;

import org.liveng.api.Secret;
import org.liveng.api.recipe.Recipe;

/**
 * Write a prepared persistence filesystem into its partition.
 *
 * @param plainImage a (sparse) file holding the plaintext filesystem image; only allocated extents need be written
 * @param target the whole target (image file or device)
 * @param offset byte offset of the partition in the target
 * @param length byte length of the partition
 * @param passphrase the passphrase, or {@code null} for {@code none}
 * @param recipe the image recipe (KDF costs, cipher, sector size)
 */
public record PersistenceRequest(Path plainImage, SeekableByteChannel target, long offset, long length, Secret passphrase, Recipe recipe) {
}

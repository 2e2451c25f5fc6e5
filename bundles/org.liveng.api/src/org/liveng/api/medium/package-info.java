/**
 * Read-only views of the file trees liveng reads from (an upstream ISO 9660 image, a kernel slot).
 */
@org.osgi.annotation.versioning.Version("0.1.0")
package org.liveng.api.medium;

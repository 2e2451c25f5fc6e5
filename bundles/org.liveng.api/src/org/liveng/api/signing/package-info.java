/**
 * The signing extension point: how the Secure Boot chain on the ESP is assembled and signed.
 */
@org.osgi.annotation.versioning.Version("0.2.0")
package org.liveng.api.signing;

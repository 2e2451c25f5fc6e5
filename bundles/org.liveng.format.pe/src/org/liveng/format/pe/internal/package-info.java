/** Byte and PKCS #7 helpers shared by the PE and EFI variable packages; not exported. */
package org.liveng.format.pe.internal;

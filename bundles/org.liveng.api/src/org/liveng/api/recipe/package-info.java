/**
 * The declarative image recipe: every setting declared once with name, type, default and help.
 */
@org.osgi.annotation.versioning.Version("0.6.0")
package org.liveng.api.recipe;

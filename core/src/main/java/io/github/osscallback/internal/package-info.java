/**
 * Internals shared by the exported packages. Not exported by the module and not part of the
 * contract: anything here may change in any release. Depends on no other package of this
 * library, so that no two packages depend on each other.
 */
package io.github.osscallback.internal;

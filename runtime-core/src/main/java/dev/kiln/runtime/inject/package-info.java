/** Guice wiring: {@link dev.kiln.runtime.inject.KilnModule} binds the backend registry and the session factory. */
package dev.kiln.runtime.inject;

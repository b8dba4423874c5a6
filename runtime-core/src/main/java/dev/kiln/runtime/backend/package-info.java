/**
 * Finding backends: {@link dev.kiln.runtime.backend.BackendRegistry} loads and checks
 * {@link dev.kiln.api.spi.BackendProvider}s (SPI version, availability, unique ids) and lists every one
 * with the reason it was skipped, if it was.
 */
package dev.kiln.runtime.backend;

/**
 * Running models: {@link dev.kiln.runtime.session.Session} (open, validate inputs, run from many threads,
 * close), its {@link dev.kiln.runtime.session.SessionOptions}, and {@link dev.kiln.runtime.session.SessionFactory}
 * for sessions over an injected backend registry.
 */
package dev.kiln.runtime.session;

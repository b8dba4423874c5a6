/**
 * The backend conformance kit: {@link dev.kiln.runtime.conformance.BackendConformance} runs generated
 * single-node cases for every op a candidate backend claims against the CPU backend, and reports per op
 * ({@link dev.kiln.runtime.conformance.ConformanceReport}); {@link dev.kiln.runtime.conformance.ConformanceAssertions}
 * turns a report into a test failure. Usable without JUnit. Experimental: the catalog grows.
 */
package dev.kiln.runtime.conformance;

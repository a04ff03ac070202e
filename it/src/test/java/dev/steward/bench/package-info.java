/**
 * Benchmark drivers run against the dev stack by the scripts in {@code bench/} (not by {@code ./mvnw verify}): they
 * live with the test sources for the product's classes and the stack's dependencies on their classpath.
 */
package dev.steward.bench;

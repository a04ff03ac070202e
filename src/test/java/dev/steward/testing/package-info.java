/** Test support: the real PostgreSQL and Redis that unit and component tests run against. */
package dev.steward.testing;

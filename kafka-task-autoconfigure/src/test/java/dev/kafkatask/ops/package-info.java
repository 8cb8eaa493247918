/**
 * Tests of the operations assets in {@code docs/ops}: Prometheus alert rules and the Grafana
 * dashboard.
 */
@NullMarked
package dev.kafkatask.ops;

import org.jspecify.annotations.NullMarked;

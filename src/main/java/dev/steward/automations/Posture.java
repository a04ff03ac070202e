package dev.steward.automations;

/**
 * Prefect's trigger posture: a Reactive trigger answers the presence of the expected events, a Proactive one their
 * absence within its window. Prefect's third posture, Metric, belongs to metric triggers, which Steward does not
 * evaluate yet and so refuses when a trigger is read.
 */
public enum Posture {
    Reactive,
    Proactive
}

/**
 * Periodic tasks, Celery beat's schedules: what a schedule is
 * ({@link dev.kafkatask.schedule.Schedule}, its {@link dev.kafkatask.schedule.ScheduleTrigger}),
 * the annotation and properties that declare one, and the arithmetic of the slots it fires
 * ({@link dev.kafkatask.schedule.ScheduleSlots}). Nothing here talks to a broker: the
 * leader that fires the slots is in {@code dev.kafkatask.kafka.beat}.
 */
@NullMarked
package dev.kafkatask.schedule;

import org.jspecify.annotations.NullMarked;

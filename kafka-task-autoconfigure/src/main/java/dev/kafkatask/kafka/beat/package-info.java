/**
 * Celery beat on Kafka: the {@link dev.kafkatask.kafka.beat.Beat} fires the slots of
 * {@link dev.kafkatask.schedule.Schedule schedules} on exactly one instance of a worker
 * group, the {@link dev.kafkatask.kafka.beat.LeaderElection leader} (the owner of a
 * one-partition topic in a consumer group of its own), and keeps the last fired slot of
 * each schedule in a compacted topic ({@link dev.kafkatask.kafka.beat.ScheduleStateStore}),
 * so that a new leader neither skips nor repeats a slot. Every instance follows that topic,
 * and can ask the brokers who leads ({@link dev.kafkatask.kafka.beat.BeatGroupView}).
 */
@NullMarked
package dev.kafkatask.kafka.beat;

import org.jspecify.annotations.NullMarked;

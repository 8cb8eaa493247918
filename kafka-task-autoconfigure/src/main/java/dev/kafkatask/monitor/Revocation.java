package dev.kafkatask.monitor;

import java.time.Instant;

/**
 * A task revoked by id: a worker that gets it does not run it (it is settled
 * {@code revoked}), and with {@code terminate} a worker running it interrupts it.
 *
 * @param taskId the task id
 * @param at when it was revoked
 * @param terminate whether a run of it is interrupted too
 * @param by who revoked it ({@code pid@host})
 * @author kafka-task
 */
public record Revocation(String taskId, Instant at, boolean terminate, String by) {
}

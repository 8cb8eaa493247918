/**
 * Celery's canvas on kafka-task: signatures, chains, groups and chords, dispatched through
 * {@link dev.kafkatask.dispatch.TaskDispatcher#dispatch(Canvas)}, and what a worker does
 * after a task that carries them.
 */
@NullMarked
package dev.kafkatask.canvas;

import org.jspecify.annotations.NullMarked;

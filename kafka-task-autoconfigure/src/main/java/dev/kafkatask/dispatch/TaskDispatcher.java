package dev.kafkatask.dispatch;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasDispatch;
import dev.kafkatask.canvas.CanvasReceipt;

/**
 * Dispatches tasks by name, like Celery's {@code send_task}: the task may be registered in
 * this application or in another service that consumes the same queue.
 * <p>
 * Dispatching never waits for the broker: the returned future completes once the broker
 * acknowledged the task.
 *
 * @author kafka-task
 */
public interface TaskDispatcher {

	/**
	 * Dispatch a task.
	 * @param task the task name
	 * @param args the positional arguments, each a value JSON can carry
	 * @param kwargs the keyword arguments
	 * @param options the dispatch options
	 * @return the receipt, once the broker acknowledged the task
	 */
	CompletableFuture<DispatchReceipt> dispatch(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options);

	/**
	 * Dispatch a task with positional arguments and default options.
	 * @param task the task name
	 * @param args the positional arguments
	 * @return the receipt, once the broker acknowledged the task
	 */
	default CompletableFuture<DispatchReceipt> dispatch(String task, @Nullable Object... args) {
		return dispatch(task, Arrays.asList(args), Map.of(), TaskOptions.none());
	}

	/**
	 * Dispatch a canvas: a signature, a chain, a group or a chord, like Celery's
	 * {@code apply_async} of one. Every task gets its id at once (in the receipt); the tasks
	 * that can run now are enqueued, and the workers enqueue the rest as the ones before them
	 * finish.
	 * @param canvas the canvas
	 * @return the receipt, once the broker acknowledged the tasks enqueued now
	 */
	default CompletableFuture<CanvasReceipt> dispatch(Canvas canvas) {
		return new CanvasDispatch(this, JsonMapper.shared()).dispatch(canvas);
	}

	/**
	 * Dispatch a task and wait (without blocking) for what it returns, like Celery's
	 * {@code apply_async(...).get(timeout=...)} with the rpc backend: the dispatch asks for
	 * the result ({@code ignore_result=false}) and the worker sends it back.
	 * @param task the task name
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @param options the dispatch options
	 * @param timeout how long to wait for the result
	 * @return the result, or a future that fails if the dispatch failed or no result came in
	 * time
	 */
	default CompletableFuture<TaskResult> dispatchForResult(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options, Duration timeout) {
		return CompletableFuture.failedFuture(
				new UnsupportedOperationException("This dispatcher has no result backend"));
	}

}

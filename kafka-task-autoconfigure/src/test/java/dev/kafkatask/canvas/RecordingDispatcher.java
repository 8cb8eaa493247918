package dev.kafkatask.canvas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

import org.jspecify.annotations.Nullable;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.routing.Backend;

/**
 * A dispatcher that records what it is asked to dispatch, and answers as told.
 *
 * @author kafka-task
 */
final class RecordingDispatcher implements TaskDispatcher {

	final List<Dispatched> dispatched = new CopyOnWriteArrayList<>();

	Function<Dispatched, CompletableFuture<DispatchReceipt>> answer = (dispatch) -> CompletableFuture
		.completedFuture(new DispatchReceipt(dispatch.options().taskId(), dispatch.task(), "q", Backend.KAFKA, "t", 0,
				this.dispatched.size()));

	@Override
	public CompletableFuture<DispatchReceipt> dispatch(String task, List<? extends @Nullable Object> args,
			Map<String, ? extends @Nullable Object> kwargs, TaskOptions options) {
		Dispatched dispatch = new Dispatched(task, new ArrayList<>(args), Map.copyOf(kwargs), options);
		this.dispatched.add(dispatch);
		return this.answer.apply(dispatch);
	}

	record Dispatched(String task, List<@Nullable Object> args, Map<String, ?> kwargs, TaskOptions options) {
	}

}

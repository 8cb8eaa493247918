package dev.kafkatask.sample;

import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;

import org.jspecify.annotations.Nullable;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.kafkatask.canvas.Canvas;
import dev.kafkatask.canvas.CanvasReceipt;
import dev.kafkatask.canvas.Signature;
import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;
import dev.kafkatask.dispatch.TaskOptions;
import dev.kafkatask.rabbit.RabbitPublishException;

/**
 * Lets a person dispatch demo tasks and watch them run in the log and in
 * {@code /actuator/prometheus}.
 *
 * @author kafka-task
 */
@RestController
@RequestMapping("/demo")
class DemoController {

	private static final int MAX_COUNT = 100_000;

	private static final int MAX_CHORD = 10_000;

	private final TaskDispatcher dispatcher;

	private final LedgerClient ledger;

	private final LedgerTasks ledgerTasks;

	private final OrderReceiptTasks receipts;

	private final EchoTasks echoTasks;

	private final ChordTasks chordTasks;

	DemoController(TaskDispatcher dispatcher, LedgerClient ledger, LedgerTasks ledgerTasks,
			OrderReceiptTasks receipts, EchoTasks echoTasks, ChordTasks chordTasks) {
		this.dispatcher = dispatcher;
		this.ledger = ledger;
		this.ledgerTasks = ledgerTasks;
		this.receipts = receipts;
		this.echoTasks = echoTasks;
		this.chordTasks = chordTasks;
	}

	/**
	 * Dispatch any task by name, local or remote (a Python Celery worker's), through the
	 * router, and answer with the receipt: which backend took it and where.
	 * @param taskName the task name
	 * @param request the arguments, queue and options
	 * @return the receipt, once the broker acknowledged the task
	 */
	@PostMapping("/send/{taskName}")
	CompletableFuture<DispatchReceipt> send(@PathVariable String taskName, @RequestBody(required = false)
			@Nullable SendRequest request) {
		SendRequest send = (request != null) ? request : new SendRequest(null, null, null, null);
		TaskOptions options = TaskOptions.none().withQueue(send.queue());
		Map<String, Object> given = (send.options() != null) ? send.options() : Map.of();
		for (Map.Entry<String, Object> option : given.entrySet()) {
			// Celery's option names; an unknown one, or one the backend does not support
			// (under the default 'reject' policy), answers 400 naming it.
			options = options.withOption(option.getKey(), option.getValue());
		}
		return this.dispatcher.dispatch(taskName, (send.args() != null) ? send.args() : List.of(),
				(send.kwargs() != null) ? send.kwargs() : Map.of(), options);
	}

	/**
	 * Show the last 100 calls of {@code demo.echo}, newest first.
	 * @return the calls
	 */
	@GetMapping("/echoes")
	List<EchoTasks.Echo> echoes() {
		return this.echoTasks.echoes();
	}

	/**
	 * Body of {@code POST /demo/send/{taskName}}.
	 *
	 * @param args the positional arguments
	 * @param kwargs the keyword arguments
	 * @param queue the queue, or {@code null} for the task's own
	 * @param options dispatch options
	 */
	record SendRequest(@Nullable List<@Nullable Object> args, @Nullable Map<String, @Nullable Object> kwargs,
			@Nullable String queue, @Nullable Map<String, Object> options) {
	}

	/**
	 * Dispatch {@code count} orders: each sends a receipt (slow I/O) and books a ledger entry
	 * (light CPU). Answers once the broker acknowledged every task.
	 * @param count how many orders
	 * @return what was dispatched
	 */
	@PostMapping("/dispatch")
	CompletableFuture<Map<String, Object>> dispatch(@RequestParam(defaultValue = "10") int count) {
		if (count < 1 || count > MAX_COUNT) {
			throw new IllegalArgumentException("count must be between 1 and " + MAX_COUNT);
		}
		List<CompletableFuture<DispatchReceipt>> sent = new ArrayList<>(count * 2);
		for (int i = 0; i < count; i++) {
			String orderId = "order-" + UUID.randomUUID().toString().substring(0, 8);
			int amountCents = ThreadLocalRandom.current().nextInt(100, 50_000);
			sent.add(this.dispatcher.dispatch("orders.send-receipt", orderId, orderId + "@example.com", amountCents));
			sent.add(this.ledger.record("revenue", amountCents));
		}
		return CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new))
			.thenApply((done) -> Map.of("dispatched", sent.size(), "first", sent.get(0).join(), "last",
					sent.get(sent.size() - 1).join()));
	}

	/**
	 * Dispatch a chord: {@code demo.square} of 1 to {@code size} side by side, then
	 * {@code demo.total} once with all the squares. Answers with every task's id.
	 * @param size how many numbers
	 * @return the receipt, once the broker acknowledged the members
	 */
	@PostMapping("/chord")
	CompletableFuture<CanvasReceipt> chord(@RequestParam(defaultValue = "10") int size) {
		if (size < 1 || size > MAX_CHORD) {
			throw new IllegalArgumentException("size must be between 1 and " + MAX_CHORD);
		}
		List<Signature> squares = new ArrayList<>(size);
		for (long i = 1; i <= size; i++) {
			squares.add(Signature.of("demo.square", i));
		}
		return this.dispatcher.dispatch(Canvas.chord(Canvas.group(squares), Signature.of("demo.total")));
	}

	/**
	 * Show the last chord callbacks, newest first.
	 * @return the callbacks
	 */
	@GetMapping("/chords")
	List<ChordTasks.Total> chords() {
		return this.chordTasks.totals();
	}

	@ExceptionHandler({ IllegalArgumentException.class, DateTimeParseException.class })
	ProblemDetail badRequest(RuntimeException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
	}

	/**
	 * A dispatch the broker did not take (no transport for its route, unroutable, refused)
	 * answers 503 with the reason.
	 * @param ex the failure
	 * @return the problem
	 */
	@ExceptionHandler({ IllegalStateException.class, RabbitPublishException.class, CompletionException.class })
	ProblemDetail notDispatched(RuntimeException ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		HttpStatus status = (cause instanceof IllegalArgumentException) ? HttpStatus.BAD_REQUEST
				: HttpStatus.SERVICE_UNAVAILABLE;
		return ProblemDetail.forStatusAndDetail(status, cause.getMessage());
	}

	/**
	 * Show what the tasks did so far.
	 * @return receipts sent and ledger totals
	 */
	@GetMapping("/status")
	Map<String, Object> status() {
		return Map.of("receiptsSent", this.receipts.sent(), "ledger", this.ledgerTasks.totals());
	}

}

package dev.kafkatask.sample;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.kafkatask.dispatch.DispatchReceipt;
import dev.kafkatask.dispatch.TaskDispatcher;

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

	private final TaskDispatcher dispatcher;

	private final LedgerClient ledger;

	private final LedgerTasks ledgerTasks;

	private final OrderReceiptTasks receipts;

	DemoController(TaskDispatcher dispatcher, LedgerClient ledger, LedgerTasks ledgerTasks,
			OrderReceiptTasks receipts) {
		this.dispatcher = dispatcher;
		this.ledger = ledger;
		this.ledgerTasks = ledgerTasks;
		this.receipts = receipts;
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

	@ExceptionHandler(IllegalArgumentException.class)
	ProblemDetail badRequest(IllegalArgumentException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, ex.getMessage());
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

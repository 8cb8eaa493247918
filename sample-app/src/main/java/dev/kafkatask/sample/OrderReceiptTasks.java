package dev.kafkatask.sample;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

import dev.kafkatask.task.KafkaTask;

/**
 * Sends order receipts. Each one waits on a slow downstream call (a mail service), the kind
 * of I/O that virtual threads make cheap to wait on.
 *
 * @author kafka-task
 */
@Component
public class OrderReceiptTasks {

	private static final Log logger = LogFactory.getLog(OrderReceiptTasks.class);

	private final AtomicLong sent = new AtomicLong();

	@KafkaTask(name = "orders.send-receipt", queue = "orders")
	public void sendReceipt(String orderId, String email, int amountCents) throws InterruptedException {
		Duration mailServiceLatency = Duration.ofMillis(ThreadLocalRandom.current().nextLong(200, 800));
		Thread.sleep(mailServiceLatency);
		long total = this.sent.incrementAndGet();
		logger.info("Receipt for order " + orderId + " (" + amountCents + " cents) sent to " + email + " after "
				+ mailServiceLatency.toMillis() + " ms [" + total + " sent]");
	}

	public long sent() {
		return this.sent.get();
	}

}

package dev.kafkatask.actuate;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.jspecify.annotations.Nullable;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * Health of kafka-task's Kafka leg: UP with the cluster id and the number of brokers when the
 * cluster answers {@code describeCluster} within the timeout, DOWN with the exception when
 * it does not. The admin client is created on the first check and closed with the
 * indicator.
 *
 * @author kafka-task
 */
public class KafkaTaskKafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

	/**
	 * How long a check waits for the cluster by default.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

	private final Map<String, Object> adminConfig;

	private final Duration timeout;

	private @Nullable Admin admin;

	private boolean destroyed;

	/**
	 * Create an indicator that waits {@link #DEFAULT_TIMEOUT} for the cluster.
	 * @param adminConfig configuration of the admin client, such as
	 * {@code KafkaAdmin.getConfigurationProperties()}
	 */
	public KafkaTaskKafkaHealthIndicator(Map<String, Object> adminConfig) {
		this(adminConfig, DEFAULT_TIMEOUT);
	}

	/**
	 * Create an indicator.
	 * @param adminConfig configuration of the admin client, such as
	 * {@code KafkaAdmin.getConfigurationProperties()}
	 * @param timeout how long a check waits for the cluster
	 */
	public KafkaTaskKafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout) {
		super("kafka-task Kafka health check failed");
		Assert.isTrue(timeout.isPositive(), "'timeout' must be positive");
		this.adminConfig = new HashMap<>(adminConfig);
		this.timeout = timeout;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) throws Exception {
		long millis = this.timeout.toMillis();
		DescribeClusterResult cluster = admin()
			.describeCluster(new DescribeClusterOptions().timeoutMs((int) Math.min(millis, Integer.MAX_VALUE)));
		// The admin client fails the call after the timeout, with the reason: wait a little
		// longer than that, so that its exception rather than a bare timeout is reported.
		long wait = millis + Math.min(millis, 1000);
		try {
			String clusterId = cluster.clusterId().get(wait, TimeUnit.MILLISECONDS);
			int nodes = cluster.nodes().get(wait, TimeUnit.MILLISECONDS).size();
			builder.up().withDetail("clusterId", clusterId).withDetail("nodes", nodes);
		}
		catch (ExecutionException ex) {
			// The Kafka exception (a timeout when no broker answers) says more than its wrapper.
			builder.down((ex.getCause() != null) ? ex.getCause() : ex);
		}
		catch (TimeoutException ex) {
			builder.down(new TimeoutException("The Kafka cluster did not answer within " + millis + " ms"));
		}
	}

	private synchronized Admin admin() {
		Assert.state(!this.destroyed, "Health indicator has been destroyed");
		Admin current = this.admin;
		if (current == null) {
			current = Admin.create(this.adminConfig);
			this.admin = current;
		}
		return current;
	}

	@Override
	public synchronized void destroy() {
		this.destroyed = true;
		Admin current = this.admin;
		if (current != null) {
			this.admin = null;
			current.close(this.timeout);
		}
	}

}

package dev.kafkatask.routing;

import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where the dispatches matched by one rule go.
 *
 * @param backend the backend they go to (outside a ramp's share)
 * @param cluster the Kafka cluster they go to when the backend is Kafka
 * ({@link #DEFAULT_CLUSTER} when not named), {@code null} otherwise
 * @param ramp the share that goes elsewhere, or {@code null}
 * @param shadow a backend that receives a copy of every dispatch as well (shadow testing:
 * the task then runs on both), or {@code null} for exactly one backend per dispatch
 * @param onUnavailable what becomes of a dispatch that goes to RabbitMQ while RabbitMQ is
 * unavailable
 * @author kafka-task
 */
public record Route(Backend backend, @Nullable String cluster, @Nullable Ramp ramp, @Nullable Backend shadow,
		OnUnavailable onUnavailable) {

	/**
	 * Name of the Kafka cluster that {@code spring.kafka.*} describes; no other cluster may
	 * take it.
	 */
	public static final String DEFAULT_CLUSTER = "default";

	public Route {
		Assert.notNull(backend, "'backend' must not be null");
		Assert.notNull(onUnavailable, "'onUnavailable' must not be null");
		Assert.isTrue(shadow == null || shadow != backend,
				() -> "A shadow copy must go to another backend than " + backend);
		cluster = cluster(backend, cluster);
	}

	/**
	 * Create a route to the default cluster when its backend is Kafka.
	 * @param backend the backend they go to (outside a ramp's share)
	 * @param ramp the share that goes elsewhere, or {@code null}
	 * @param shadow a backend that receives a copy as well, or {@code null}
	 * @param onUnavailable what becomes of a dispatch to an unavailable RabbitMQ
	 */
	public Route(Backend backend, @Nullable Ramp ramp, @Nullable Backend shadow, OnUnavailable onUnavailable) {
		this(backend, null, ramp, shadow, onUnavailable);
	}

	/**
	 * Create a route whose dispatches fail while RabbitMQ, if they go there, is unavailable.
	 * @param backend the backend they go to (outside a ramp's share)
	 * @param ramp the share that goes elsewhere, or {@code null}
	 * @param shadow a backend that receives a copy as well, or {@code null}
	 */
	public Route(Backend backend, @Nullable Ramp ramp, @Nullable Backend shadow) {
		this(backend, ramp, shadow, OnUnavailable.FAIL);
	}

	/**
	 * Return a route to one backend, without ramp or shadow.
	 * @param backend the backend
	 * @return the route
	 */
	public static Route to(Backend backend) {
		return new Route(backend, null, null);
	}

	/**
	 * Return the route a rule describes, as configuration properties give it: the rule's
	 * backend or else the default (Kafka when the rule names only a cluster), a ramp only if
	 * it names a backend or a cluster and a positive share (a ramp that names only a cluster
	 * goes to Kafka).
	 * @param backend the rule's backend, or {@code null} for the default
	 * @param cluster the rule's Kafka cluster, or {@code null} for the default cluster
	 * @param defaultBackend the default backend
	 * @param rampTo where the ramp's share goes, or {@code null}
	 * @param rampCluster the Kafka cluster the ramp's share goes to, or {@code null}
	 * @param rampPercent the ramp's share, in percent
	 * @param shadow a backend that receives a copy as well, or {@code null}
	 * @param onUnavailable what becomes of a dispatch to an unavailable RabbitMQ
	 * @return the route
	 * @throws IllegalArgumentException if the share is not within 0 to 100, the shadow is the
	 * route's own backend, or a cluster is named for RabbitMQ
	 */
	public static Route of(@Nullable Backend backend, @Nullable String cluster, Backend defaultBackend,
			@Nullable Backend rampTo, @Nullable String rampCluster, double rampPercent, @Nullable Backend shadow,
			OnUnavailable onUnavailable) {
		Backend target = (backend != null) ? backend : (cluster != null) ? Backend.KAFKA : defaultBackend;
		Backend rampTarget = (rampTo != null) ? rampTo : (rampCluster != null) ? Backend.KAFKA : null;
		Ramp ramp = (rampTarget != null && rampPercent > 0) ? new Ramp(rampTarget, rampCluster, rampPercent) : null;
		return new Route(target, cluster, ramp, shadow, onUnavailable);
	}

	/**
	 * Return the Kafka clusters this route sends dispatches to: its own and its ramp's.
	 * @return the clusters, empty when neither goes to Kafka
	 */
	public Set<String> clusters() {
		Set<String> clusters = new LinkedHashSet<>();
		if (this.cluster != null) {
			clusters.add(this.cluster);
		}
		if (this.ramp != null && this.ramp.cluster() != null) {
			clusters.add(this.ramp.cluster());
		}
		return clusters;
	}

	public Route withRamp(@Nullable Ramp ramp) {
		return new Route(this.backend, this.cluster, ramp, this.shadow, this.onUnavailable);
	}

	public Route withShadow(@Nullable Backend shadow) {
		return new Route(this.backend, this.cluster, this.ramp, shadow, this.onUnavailable);
	}

	public Route withOnUnavailable(OnUnavailable onUnavailable) {
		return new Route(this.backend, this.cluster, this.ramp, this.shadow, onUnavailable);
	}

	/**
	 * Return the Kafka cluster of a destination: the named one (or the default) for Kafka,
	 * none for another backend.
	 * @throws IllegalArgumentException if a cluster is named for another backend than Kafka
	 */
	static @Nullable String cluster(Backend backend, @Nullable String cluster) {
		if (backend != Backend.KAFKA) {
			Assert.isTrue(cluster == null,
					() -> "A Kafka cluster ('" + cluster + "') is named for backend " + backend + ": kafka only");
			return null;
		}
		if (cluster == null || cluster.isBlank()) {
			return DEFAULT_CLUSTER;
		}
		return cluster.trim();
	}

}

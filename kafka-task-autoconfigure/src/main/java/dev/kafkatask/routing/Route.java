package dev.kafkatask.routing;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Where the dispatches matched by one rule go.
 *
 * @param backend the backend they go to (outside a ramp's share)
 * @param ramp the share that goes elsewhere, or {@code null}
 * @param shadow a backend that receives a copy of every dispatch as well (shadow testing:
 * the task then runs on both), or {@code null} for exactly one backend per dispatch
 * @param onUnavailable what becomes of a dispatch that goes to RabbitMQ while RabbitMQ is
 * unavailable
 * @author kafka-task
 */
public record Route(Backend backend, @Nullable Ramp ramp, @Nullable Backend shadow, OnUnavailable onUnavailable) {

	public Route {
		Assert.notNull(backend, "'backend' must not be null");
		Assert.notNull(onUnavailable, "'onUnavailable' must not be null");
		Assert.isTrue(shadow == null || shadow != backend,
				() -> "A shadow copy must go to another backend than " + backend);
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

	public Route withRamp(@Nullable Ramp ramp) {
		return new Route(this.backend, ramp, this.shadow, this.onUnavailable);
	}

	public Route withShadow(@Nullable Backend shadow) {
		return new Route(this.backend, this.ramp, shadow, this.onUnavailable);
	}

	public Route withOnUnavailable(OnUnavailable onUnavailable) {
		return new Route(this.backend, this.ramp, this.shadow, onUnavailable);
	}

}

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

	/**
	 * Return the route a rule describes, as configuration properties give it: the rule's
	 * backend or else the default, a ramp only if it names a backend and a positive share.
	 * @param backend the rule's backend, or {@code null} for the default
	 * @param defaultBackend the default backend
	 * @param rampTo where the ramp's share goes, or {@code null} for no ramp
	 * @param rampPercent the ramp's share, in percent
	 * @param shadow a backend that receives a copy as well, or {@code null}
	 * @param onUnavailable what becomes of a dispatch to an unavailable RabbitMQ
	 * @return the route
	 * @throws IllegalArgumentException if the share is not within 0 to 100 or the shadow is
	 * the route's own backend
	 */
	public static Route of(@Nullable Backend backend, Backend defaultBackend, @Nullable Backend rampTo,
			double rampPercent, @Nullable Backend shadow, OnUnavailable onUnavailable) {
		Backend target = (backend != null) ? backend : defaultBackend;
		Ramp ramp = (rampTo != null && rampPercent > 0) ? new Ramp(rampTo, rampPercent) : null;
		return new Route(target, ramp, shadow, onUnavailable);
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

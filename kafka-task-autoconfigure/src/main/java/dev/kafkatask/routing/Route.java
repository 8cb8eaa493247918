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
 * @author kafka-task
 */
public record Route(Backend backend, @Nullable Ramp ramp, @Nullable Backend shadow) {

	public Route {
		Assert.notNull(backend, "'backend' must not be null");
		Assert.isTrue(shadow == null || shadow != backend,
				() -> "A shadow copy must go to another backend than " + backend);
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
		return new Route(this.backend, ramp, this.shadow);
	}

	public Route withShadow(@Nullable Backend shadow) {
		return new Route(this.backend, this.ramp, shadow);
	}

}

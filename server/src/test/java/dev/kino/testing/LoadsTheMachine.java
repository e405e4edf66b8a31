package dev.kino.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A suite that keeps both cores busy by itself (a cluster of Kino processes, a thousand jobs): it
 * runs while no other such suite runs in the other test fork. Two of them at once only took turns
 * on the CPU, and slowed each other's processes past the bounds their tests wait for a hang.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(MachineLock.class)
public @interface LoadsTheMachine {}

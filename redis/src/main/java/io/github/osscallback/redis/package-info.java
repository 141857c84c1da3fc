/**
 * A replay store on Redis, so that every node of a cluster refuses a callback another node
 * already accepted: {@link io.github.osscallback.redis.RedisReplayStore}.
 */
package io.github.osscallback.redis;

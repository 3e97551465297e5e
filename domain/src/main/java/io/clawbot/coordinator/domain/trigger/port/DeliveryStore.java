package io.clawbot.coordinator.domain.trigger.port;

import io.clawbot.coordinator.domain.common.PageRequest;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.DeliveryOutcome;
import io.smallrye.mutiny.Uni;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The record of every delivery, which is also the inbox of verified events: an event is stored before its work is
 * created, and a sweep finishes what a crash interrupted.
 */
public interface DeliveryStore {

    /** Records a delivery that creates nothing (refused, filtered or a duplicate). */
    Uni<Void> record(Delivery delivery);

    /**
     * Stores a verified event as {@code received}, unless the trigger already holds an event with the same
     * {@code eventId} that was received or accepted: then nothing is stored and the answer is the first one's id.
     *
     * @return {@code null} when stored; the earlier delivery's id when it is a repeat
     */
    Uni<UUID> receive(Delivery delivery);

    /** The delivery that holds this event id as received or accepted, or {@code null}. */
    Uni<UUID> holder(String trigger, String eventId);

    /** The event's work exists; a reply, if any, now waits for it to end. */
    Uni<Void> accepted(UUID delivery, String workKind, UUID workId);

    /** The event's work was refused: the delivery ends rejected with the reason. */
    Uni<Void> refused(UUID delivery, String reason);

    /** Deliveries left {@code received} since before {@code before}, oldest first. */
    Uni<List<Delivery>> unfinished(Instant before, int limit);

    /** A trigger's deliveries, newest first, optionally of one outcome. */
    Uni<List<Delivery>> list(String trigger, DeliveryOutcome outcome, PageRequest page);

    /**
     * A reply whose work has ended and which is due, claimed for a while so no other replica posts it too.
     *
     * @param trigger the trigger's name, for its bot token
     * @param status the work's final status
     * @param outcome the task's result or error, or the workflow's steps' outcomes
     */
    record DueReply(Delivery delivery, String trigger, String status, Map<String, Object> outcome) {
    }

    /** Up to {@code limit} due replies, each claimed until {@code claimUntil}. */
    Uni<List<DueReply>> claimDueReplies(Instant claimUntil, int limit);

    /** The reply was posted. */
    Uni<Void> replied(UUID delivery);

    /**
     * The reply could not be posted this time.
     *
     * @param retryAt when to try again; {@code null} gives up and marks it failed
     */
    Uni<Void> replyFailed(UUID delivery, String error, Instant retryAt);

    /** Removes deliveries older than {@code before} whose reply is not waiting. */
    Uni<Integer> purge(Instant before, int limit);
}

package io.clawbot.coordinator.application.trigger;

import io.clawbot.coordinator.domain.common.DomainException;
import io.clawbot.coordinator.domain.trigger.Delivery;
import io.clawbot.coordinator.domain.trigger.port.ChatReplies;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore;
import io.clawbot.coordinator.domain.trigger.port.DeliveryStore.DueReply;
import io.clawbot.coordinator.domain.trigger.port.TriggerStore;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

/**
 * The background half of triggers, run by every replica: it finishes deliveries whose work a crash left uncreated,
 * and posts the results of ended work back to Slack. A reply is claimed in the database before it is posted, so
 * one replica posts it; a failed post is tried again with exponential backoff (1 s doubling to 5 minutes) for
 * {@link #MAX_ATTEMPTS} attempts, then marked failed with the chat's error. Nothing here runs on the dispatch path.
 */
public final class HookReplies {

    public static final int MAX_ATTEMPTS = 8;
    /** How long a delivery may stay {@code received} before the sweep finishes it. */
    static final Duration UNFINISHED_AFTER = Duration.ofSeconds(30);
    private static final Duration CLAIM = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final int MAX_TEXT = 3000;

    private final DeliveryStore deliveries;
    private final TriggerStore triggers;
    private final TriggerWork work;
    private final ChatReplies chat;
    private final InstantSource clock;

    public HookReplies(DeliveryStore deliveries, TriggerStore triggers, TriggerWork work, ChatReplies chat,
            InstantSource clock) {
        this.deliveries = deliveries;
        this.triggers = triggers;
        this.work = work;
        this.chat = chat;
        this.clock = clock;
    }

    /** Creates the work of deliveries left received. */
    public Uni<Integer> finishUnfinished(int limit) {
        return deliveries.unfinished(clock.instant().minus(UNFINISHED_AFTER), limit).flatMap(list -> Multi
                .createFrom().iterable(list).onItem().transformToUniAndConcatenate(this::finish).collect().asList()
                .map(List::size));
    }

    private Uni<Void> finish(Delivery delivery) {
        return triggers.find(delivery.trigger()).flatMap(trigger -> {
            if (trigger == null) {
                return deliveries.refused(delivery.id(), "the trigger was deleted before its work was created");
            }
            return work.create(trigger, delivery.id(), delivery.event())
                    .flatMap(made -> deliveries.accepted(delivery.id(), made.kind(), made.id()))
                    .onFailure(DomainException.class)
                    .recoverWithUni(e -> deliveries.refused(delivery.id(), "the work was refused: " + e.getMessage()));
        });
    }

    /** Posts up to {@code limit} due replies; answers how many were posted. */
    public Uni<Integer> postDue(int limit) {
        Instant now = clock.instant();
        return deliveries.claimDueReplies(now.plus(CLAIM), limit).flatMap(due -> Multi.createFrom().iterable(due)
                .onItem().transformToUniAndMerge(this::post).collect().asList()
                .map(sent -> (int) sent.stream().filter(Boolean::booleanValue).count()));
    }

    private Uni<Boolean> post(DueReply due) {
        Delivery delivery = due.delivery();
        String text = text(due);
        Uni<ChatReplies.Result> posted;
        if (delivery.reply().url() != null) {
            posted = chat.toResponseUrl(delivery.reply().url(), text);
        } else {
            posted = triggers.findWithSecrets(due.trigger()).flatMap(found -> {
                String token = found == null ? null : found.secrets().botToken();
                if (token == null) {
                    return Uni.createFrom().item(new ChatReplies.Result(false, false,
                            "the trigger has no bot token", 0));
                }
                return chat.toChannel(token, delivery.reply().channel(), delivery.reply().threadTs(), text);
            });
        }
        return posted.onFailure().recoverWithItem(e -> new ChatReplies.Result(false, true, e.toString(), 0))
                .flatMap(result -> {
                    if (result.delivered()) {
                        return deliveries.replied(delivery.id()).replaceWith(true);
                    }
                    int attempts = delivery.replyAttempts() + 1;
                    Instant retryAt = result.retryable() && attempts < MAX_ATTEMPTS
                            ? clock.instant().plus(backoff(attempts, result.retryAfterSeconds()))
                            : null;
                    return deliveries.replyFailed(delivery.id(), result.error(), retryAt).replaceWith(false);
                });
    }

    static Duration backoff(int attempts, long hintSeconds) {
        Duration exponential = Duration.ofSeconds(1L << Math.min(attempts - 1, 20));
        Duration wait = exponential.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : exponential;
        Duration hint = Duration.ofSeconds(Math.min(hintSeconds, MAX_BACKOFF.toSeconds()));
        return hint.compareTo(wait) > 0 ? hint : wait;
    }

    /** The message: what ended and how, with the result or error in a code block, cut to Slack's comfort. */
    static String text(DueReply due) {
        Delivery d = due.delivery();
        StringBuilder out = new StringBuilder();
        boolean ok = "completed".equals(due.status());
        out.append(ok ? "✅ " : "❌ ").append(d.workKind()).append(' ').append(d.workId()).append(' ')
                .append(due.status());
        Map<String, Object> outcome = due.outcome();
        if (outcome != null && !outcome.isEmpty()) {
            String detail = JsonText.of(outcome);
            if (detail.length() > MAX_TEXT) {
                detail = detail.substring(0, MAX_TEXT) + "…";
            }
            out.append("\n```").append(detail).append("```");
        }
        return out.toString();
    }
}

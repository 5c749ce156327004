package org.spgateway.gateway.referral;

import org.hl7.fhir.r4.model.Task;
import org.spgateway.gateway.delivery.DeliveryEvents;
import org.spgateway.gateway.delivery.OutboxMessage;
import org.spgateway.gateway.store.ResourceWriteService;
import org.spgateway.mappings.BusinessStatus;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Shows delivery on the referral's Task, so the referrer is never left guessing: {@code sent} once the service has the
 * referral (also when a replayed dead letter gets through), {@code delivery-failed} with the reason when it could not
 * be delivered. Only deliveries to VCS services are reported on the Task: GP pushes and subscription notifications
 * are not (that would notify again).
 */
@Component
public class DeliveryOutcomeRecorder {

    private final ResourceWriteService writes;

    public DeliveryOutcomeRecorder(ResourceWriteService writes) {
        this.writes = writes;
    }

    @EventListener
    public void delivered(DeliveryEvents.Delivered event) {
        if (!toService(event.channel()) || !"referral.created".equals(event.eventType())) {
            return;
        }
        writes.inTransaction(s -> {
            Task task = ReferralDispatcher.taskOf(s, event.referralId());
            // a replayed dead letter that is delivered after all no longer shows the failure
            boolean failedBefore = BusinessStatus.of(task.getBusinessStatus()).filter(BusinessStatus.DELIVERY_FAILED::equals).isPresent();
            if (task.getStatus() == Task.TaskStatus.REQUESTED && (!task.hasBusinessStatus() || failedBefore)) {
                ReferralDispatcher.updateTask(s, task, Task.TaskStatus.REQUESTED, BusinessStatus.SENT, null, event.destination());
            }
            return null;
        });
    }

    @EventListener
    public void failed(DeliveryEvents.Failed event) {
        if (!toService(event.channel())) {
            return;
        }
        writes.inTransaction(s -> {
            Task task = ReferralDispatcher.taskOf(s, event.referralId());
            if (task.getStatus() == Task.TaskStatus.REQUESTED || task.getStatus() == Task.TaskStatus.RECEIVED) {
                ReferralDispatcher.updateTask(s, task, Task.TaskStatus.REQUESTED, BusinessStatus.DELIVERY_FAILED,
                        "Delivery of " + event.eventType() + " to " + event.destination() + " failed: " + event.reason()
                                + ". An operator can replay it from the dead-letter list.", event.destination());
            }
            return null;
        });
    }

    private static boolean toService(OutboxMessage.Channel channel) {
        return channel == OutboxMessage.Channel.VCS_WEBHOOK || channel == OutboxMessage.Channel.VCS_INBOX;
    }
}

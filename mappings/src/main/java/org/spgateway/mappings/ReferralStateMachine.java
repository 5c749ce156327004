package org.spgateway.mappings;

import static org.hl7.fhir.r4.model.Task.TaskStatus.ACCEPTED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.INPROGRESS;
import static org.hl7.fhir.r4.model.Task.TaskStatus.ONHOLD;
import static org.hl7.fhir.r4.model.Task.TaskStatus.READY;
import static org.hl7.fhir.r4.model.Task.TaskStatus.RECEIVED;
import static org.hl7.fhir.r4.model.Task.TaskStatus.REQUESTED;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.r4.model.Task;

/**
 * Which VCS event may apply to a referral in its current state; invalid transitions are refused with a reason, not
 * applied (design.md section 2: "Invalid transitions (e.g. completed -> contacted) are refused with a clear error").
 *
 * <p>The state is the Task's {@code status} plus, where it matters, its {@code businessStatus}:
 * <table>
 * <caption>Event allowed from Task.status</caption>
 * <tr><th>event</th><th>requested<sup>1</sup></th><th>accepted</th><th>in-progress</th><th>on-hold<sup>2</sup></th></tr>
 * <tr><td>referral.accepted</td><td>yes</td><td>-</td><td>-</td><td>only if unable-to-contact</td></tr>
 * <tr><td>referral.declined</td><td>yes</td><td>yes</td><td>-</td><td>only if unable-to-contact</td></tr>
 * <tr><td>referral.contacted</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.unable-to-contact</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.appointment-booked</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.attending</td><td>-</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.on-hold</td><td>-</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.completed</td><td>-</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>referral.cancelled</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * <tr><td>link-worker.assigned</td><td>yes</td><td>yes</td><td>yes</td><td>yes</td></tr>
 * </table>
 * <sup>1</sup> {@code received} and {@code ready} count as requested. A referral whose delivery failed stays
 * requested and still accepts events: with at-least-once delivery the service may have received it although the
 * gateway saw a failure, and its progress must not be lost.<br>
 * <sup>2</sup> on-hold because of the service ({@code unable-to-contact}, {@code on-hold}). A referral the gateway
 * itself holds ({@code awaiting-consent}, {@code no-matching-service}) or has withdrawn ({@code consent-withdrawn},
 * {@code cancelled-by-referrer}) accepts no VCS event, whatever its status: the service should not hold it.
 *
 * <p>Terminal: {@code completed}, {@code rejected} (declined), {@code cancelled}, {@code failed},
 * {@code entered-in-error}. Nothing applies after them; a new episode is a re-referral (a new referral linked to the
 * old one). Repeats that record real life are allowed (a second contact, another on-hold); accepting twice is not.
 * Why completion needs acceptance first: a service that never accepted has not taken clinical responsibility.
 */
public final class ReferralStateMachine {

    /**
     * The outcome of a check.
     *
     * @param allowed whether the event may be applied
     * @param refusal why not (safe to return to the VCS: no patient data), or {@code null} when allowed
     */
    public record Transition(boolean allowed, String refusal) {
        public static Transition allow() {
            return new Transition(true, null);
        }

        public static Transition refuse(String reason) {
            return new Transition(false, Objects.requireNonNull(reason));
        }
    }

    private static final Set<Task.TaskStatus> TERMINAL = EnumSet.of(Task.TaskStatus.COMPLETED,
            Task.TaskStatus.REJECTED, Task.TaskStatus.CANCELLED, Task.TaskStatus.FAILED,
            Task.TaskStatus.ENTEREDINERROR);
    private static final Set<BusinessStatus> HELD_BY_GATEWAY = EnumSet.of(BusinessStatus.AWAITING_CONSENT,
            BusinessStatus.NO_MATCHING_SERVICE, BusinessStatus.CONSENT_WITHDRAWN,
            BusinessStatus.CANCELLED_BY_REFERRER);
    private static final Map<VcsEventType, Set<Task.TaskStatus>> ALLOWED_FROM = new EnumMap<>(VcsEventType.class);

    static {
        Set<Task.TaskStatus> anyOpen = EnumSet.of(REQUESTED, RECEIVED, READY, ACCEPTED, INPROGRESS, ONHOLD);
        Set<Task.TaskStatus> afterAcceptance = EnumSet.of(ACCEPTED, INPROGRESS, ONHOLD);
        ALLOWED_FROM.put(VcsEventType.ACCEPTED, EnumSet.of(REQUESTED, RECEIVED, READY, ONHOLD));
        ALLOWED_FROM.put(VcsEventType.DECLINED, EnumSet.of(REQUESTED, RECEIVED, READY, ACCEPTED, ONHOLD));
        ALLOWED_FROM.put(VcsEventType.CONTACTED, anyOpen);
        ALLOWED_FROM.put(VcsEventType.UNABLE_TO_CONTACT, anyOpen);
        ALLOWED_FROM.put(VcsEventType.APPOINTMENT_BOOKED, anyOpen);
        ALLOWED_FROM.put(VcsEventType.ATTENDING, afterAcceptance);
        ALLOWED_FROM.put(VcsEventType.ON_HOLD, afterAcceptance);
        ALLOWED_FROM.put(VcsEventType.COMPLETED, afterAcceptance);
        ALLOWED_FROM.put(VcsEventType.CANCELLED, anyOpen);
        ALLOWED_FROM.put(VcsEventType.LINK_WORKER_ASSIGNED, anyOpen);
    }

    /** Checks {@code event} against the Task's current status and business status. */
    public Transition check(Task task, VcsEventType event) {
        return check(task.getStatus(), BusinessStatus.of(task.getBusinessStatus()).orElse(null), event);
    }

    /**
     * Checks {@code event} against a state.
     *
     * @param businessStatus the current business status, or {@code null} if none is recorded
     */
    public Transition check(Task.TaskStatus status, BusinessStatus businessStatus, VcsEventType event) {
        Objects.requireNonNull(event, "event");
        if (status == null || status == Task.TaskStatus.NULL || status == Task.TaskStatus.DRAFT) {
            return Transition.refuse("referral has not been sent to a service yet");
        }
        if (TERMINAL.contains(status)) {
            return Transition.refuse(event.wireName() + " is not allowed: the referral is already "
                    + (businessStatus != null ? businessStatus.display() : status.toCode())
                    + "; a new episode needs a new referral");
        }
        if (businessStatus != null && HELD_BY_GATEWAY.contains(businessStatus)) {
            return Transition.refuse(event.wireName() + " is not allowed: the referral is "
                    + businessStatus.display() + " and not with the service");
        }
        if (!ALLOWED_FROM.get(event).contains(status)) {
            return Transition.refuse(event.wireName() + " is not allowed when the referral is " + describe(status,
                    businessStatus) + hint(event));
        }
        if ((event == VcsEventType.ACCEPTED || event == VcsEventType.DECLINED) && status == ONHOLD
                && businessStatus != BusinessStatus.UNABLE_TO_CONTACT) {
            return Transition.refuse(event.wireName() + " is not allowed when the referral is "
                    + describe(status, businessStatus) + "; it was accepted before it was put on hold");
        }
        return Transition.allow();
    }

    private static String describe(Task.TaskStatus status, BusinessStatus businessStatus) {
        return businessStatus != null ? businessStatus.display() + " (" + status.toCode() + ")" : status.toCode();
    }

    private static String hint(VcsEventType event) {
        return switch (event) {
            case ATTENDING, ON_HOLD, COMPLETED -> "; send referral.accepted first";
            case ACCEPTED -> "; it has already been accepted";
            case DECLINED -> "; once work has started, send referral.cancelled instead";
            default -> "";
        };
    }
}

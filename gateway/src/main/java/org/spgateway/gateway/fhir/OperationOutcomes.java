package org.spgateway.gateway.fhir;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** The one place error OperationOutcomes are built, so every FHIR error looks the same to a GP system. */
public final class OperationOutcomes {

    /** One problem found in a request, with the FHIRPath-style location of the failing element if known. */
    public record Issue(IssueSeverity severity, IssueType type, String message, String path) {
        public static Issue error(IssueType type, String message, String path) {
            return new Issue(IssueSeverity.ERROR, type, message, path);
        }
    }

    private OperationOutcomes() {
    }

    public static OperationOutcome of(List<Issue> issues) {
        OperationOutcome outcome = new OperationOutcome();
        for (Issue issue : issues) {
            var component = outcome.addIssue()
                    .setSeverity(issue.severity())
                    .setCode(issue.type())
                    .setDiagnostics(issue.message());
            if (issue.path() != null && !issue.path().isBlank()) {
                component.addExpression(issue.path());
                component.addLocation(issue.path());
            }
        }
        return outcome;
    }

    public static OperationOutcome error(IssueType type, String message) {
        return of(List.of(Issue.error(type, message, null)));
    }
}

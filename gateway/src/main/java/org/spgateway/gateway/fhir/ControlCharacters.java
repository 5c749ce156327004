package org.spgateway.gateway.fhir;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementDefinition;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import ca.uhn.fhir.util.IModelVisitor2;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IPrimitiveType;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/**
 * No FHIR search value, id or modifier holds a control character (a NUL byte, {@code %00}); PostgreSQL refuses a NUL
 * in a string parameter with an error that would otherwise surface as a 500 (HostileInputFuzzIT found
 * {@code AuditEvent?patient=%00}). Checked once for every operation's parameters ({@link IncomingResourceInterceptor})
 * and for the criteria the gateway decodes itself (a transaction entry's {@code ifNoneExist}); and no string value of
 * an incoming resource holds one FHIR does not allow ({@link #refuseIn}).
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /** Refuses, with a 400 OperationOutcome, decoded query parameters whose name or a value holds a control character. */
    public static void refuse(String where, Map<String, String[]> parameters) {
        if (parameters == null) {
            return;
        }
        for (Map.Entry<String, String[]> parameter : parameters.entrySet()) {
            String problem = null;
            if (holdsOne(parameter.getKey())) {
                problem = "A parameter name";
            } else if (parameter.getValue() != null) {
                for (String value : parameter.getValue()) {
                    if (holdsOne(value)) {
                        problem = "Parameter " + parameter.getKey();
                        break;
                    }
                }
            }
            if (problem != null) {
                String message = problem + where + " contains a control character";
                throw new InvalidRequestException(message, OperationOutcomes.error(IssueType.INVALID, message));
            }
        }
    }

    /**
     * Refuses, with a 422 OperationOutcome naming the element, a resource with a string value holding a character
     * below U+0020 other than tab, carriage return and line feed, which FHIR's string type does not allow (a JSON
     * body can carry one as an escape, {@code "\\u0000"}). HAPI's validator does not check this; PostgreSQL refuses a
     * NUL in the index and identifier rows a value becomes (HostileInputFuzzIT: a ServiceRequest with a NUL value was
     * a 500 on PostgreSQL, and stored as it was on H2).
     */
    public static void refuseIn(FhirContext fhirContext, IBaseResource resource) {
        String[] found = new String[1];
        fhirContext.newTerser().visit(resource, new IModelVisitor2() {
            @Override
            public boolean acceptElement(IBase element, List<IBase> containingElementPath,
                                         List<BaseRuntimeChildDefinition> childDefinitionPath,
                                         List<BaseRuntimeElementDefinition<?>> elementDefinitionPath) {
                if (found[0] != null) {
                    return false;
                }
                if (element instanceof IPrimitiveType<?> primitive
                        && notAllowedInAString(primitive.getValueAsString())) {
                    found[0] = path(resource, containingElementPath, childDefinitionPath);
                    return false;
                }
                return true;
            }
        });
        if (found[0] != null) {
            String message = found[0] + " contains a control character (FHIR strings allow none below U+0020 but tab,"
                    + " carriage return and line feed)";
            var refused = new UnprocessableEntityException(message);
            refused.setOperationOutcome(OperationOutcomes.error(IssueType.INVALID, message));
            throw refused;
        }
    }

    /** The element's path as the validator writes it: {@code Bundle.entry[1].resource/*ServiceRequest*&#47;.identifier[0].value}. */
    private static String path(IBaseResource root, List<IBase> elements,
                               List<BaseRuntimeChildDefinition> children) {
        StringBuilder path = new StringBuilder(root.fhirType());
        boolean positions = elements.size() == children.size() + 1;
        for (int i = 0; i < children.size(); i++) {
            BaseRuntimeChildDefinition child = children.get(i);
            path.append('.').append(child.getElementName().replace("[x]", ""));
            if (positions && child.getMax() != 1) {
                List<? extends IBase> values = child.getAccessor().getValues(elements.get(i));
                for (int n = 0; n < values.size(); n++) {
                    if (values.get(n) == elements.get(i + 1)) {
                        path.append('[').append(n).append(']');
                        break;
                    }
                }
            }
            if (positions && i > 0 && elements.get(i + 1) instanceof IBaseResource inner) {
                path.append("/*").append(inner.fhirType()).append("*/");
            }
        }
        return path.toString();
    }

    private static boolean notAllowedInAString(String value) {
        return value != null && value.chars().anyMatch(c -> c < 0x20 && c != '\t' && c != '\n' && c != '\r');
    }

    private static boolean holdsOne(String value) {
        return value != null && value.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
    }
}

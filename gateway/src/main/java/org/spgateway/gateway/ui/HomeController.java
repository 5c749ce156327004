package org.spgateway.gateway.ui;

import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.Authentication;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;

/** The login page, the page after login listing what the user may open, and the "not allowed" page. */
@Controller
public class HomeController {

    @GetMapping("/")
    public String root() {
        return "redirect:/ui";
    }

    @GetMapping("/login")
    public String login() {
        return "login";
    }

    @GetMapping("/ui")
    public String home(Authentication auth, Model model) {
        model.addAttribute("user", auth.getName());
        model.addAttribute("igLead", has(auth, "ROLE_IG_LEAD"));
        model.addAttribute("operator", has(auth, "ROLE_OPERATOR"));
        model.addAttribute("schemeManager", has(auth, "ROLE_SCHEME_MANAGER"));
        return "home";
    }

    @org.springframework.web.bind.annotation.RequestMapping("/ui/denied")
    public String denied(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        return "denied";
    }

    private static boolean has(Authentication auth, String authority) {
        return auth.getAuthorities().stream().anyMatch(a -> authority.equals(a.getAuthority()));
    }
}

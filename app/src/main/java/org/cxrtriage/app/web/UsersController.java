package org.cxrtriage.app.web;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import org.cxrtriage.app.security.AccessFilter;
import org.cxrtriage.app.security.Authenticator;
import org.cxrtriage.app.security.Principal;
import org.cxrtriage.app.security.Role;
import org.cxrtriage.app.security.UserStore;
import org.cxrtriage.app.security.UserStore.Actor;
import org.cxrtriage.app.security.UserStore.UserException;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * User management for administrators over HTTP, the same operations as {@code ./cxr-triage user}:
 * list, add, disable, enable, set a password. Each change is audited with the administrator as actor.
 */
@Controller("/api/admin/users")
@ExecuteOn(TaskExecutors.BLOCKING)
public final class UsersController {

    /** A new user. */
    public record NewUser(String name, String role, String password) {
    }

    /** A user as the administration page shows it. */
    public record UserView(String name, String role, boolean disabled, String createdAt, String changedAt,
                           boolean mustChangePassword) {
    }

    /** A new password. */
    public record NewPassword(String password) {
    }

    private final Authenticator authenticator;

    public UsersController(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Get
    public List<UserView> list() throws SQLException {
        return authenticator.users().list().stream().map(user -> new UserView(user.name(), user.role().name(), user.disabled(),
                user.createdAt().toString(), user.changedAt().toString(), user.mustChangePassword())).toList();
    }

    @Post
    public HttpResponse<Map<String, String>> add(@Body NewUser user, HttpRequest<?> request) throws SQLException {
        return change(request, user.name(), actor -> authenticator.users().add(user.name(), Role.parse(user.role()),
                user.password() == null ? null : user.password().toCharArray(), actor));
    }

    @Post("/{name}/disable")
    public HttpResponse<Map<String, String>> disable(@PathVariable String name, HttpRequest<?> request) throws SQLException {
        return change(request, name, actor -> authenticator.users().setDisabled(name, true, actor));
    }

    @Post("/{name}/enable")
    public HttpResponse<Map<String, String>> enable(@PathVariable String name, HttpRequest<?> request) throws SQLException {
        return change(request, name, actor -> authenticator.users().setDisabled(name, false, actor));
    }

    @Post("/{name}/password")
    public HttpResponse<Map<String, String>> password(@PathVariable String name, @Body NewPassword password,
                                                      HttpRequest<?> request) throws SQLException {
        return change(request, name, actor -> authenticator.users().passwd(name,
                password.password() == null ? null : password.password().toCharArray(), actor));
    }

    private interface Change {
        void apply(Actor actor) throws UserException, SQLException;
    }

    private HttpResponse<Map<String, String>> change(HttpRequest<?> request, String name, Change change) throws SQLException {
        Principal admin = AccessFilter.principal(request).orElseThrow();
        try {
            change.apply(new Actor("USER", admin.name(), AccessFilter.source(request)));
        } catch (UserException | IllegalArgumentException e) {
            return HttpResponse.<Map<String, String>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(Map.of("error", e.getMessage()));
        }
        authenticator.forget(name);
        return HttpResponse.ok(Map.of("user", name));
    }
}

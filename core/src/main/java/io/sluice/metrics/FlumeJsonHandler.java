package io.sluice.metrics;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.apache.flume.instrumentation.util.JMXPollUtil;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.handler.AbstractHandler;

/**
 * The responses of Flume 1.11.0's {@code HTTPMetricsServer}, unchanged, so that whatever reads
 * Flume's JSON monitoring reads this too:
 *
 * <ul>
 *   <li>{@code /metrics} (any case): every MBean whose name starts with {@code org.apache.flume}, as
 *       {@link JMXPollUtil#getAllMBeans()} reads them, in JSON — {@code
 *       {"SOURCE.r1":{"EventReceivedCount":"10",...},...}}, every value a string;
 *   <li>{@code /}: a line of HTML linking to it;
 *   <li>TRACE and OPTIONS, on any path: 403;
 *   <li>anything else: 404.
 * </ul>
 *
 * <p>As in Flume's, no other method is checked: a POST to {@code /metrics} gets the JSON.
 */
final class FlumeJsonHandler extends AbstractHandler {

  private static final Type METRICS = new TypeToken<Map<String, Map<String, String>>>() {}.getType();

  private final Gson gson = new Gson(); // thread-safe

  @Override
  public void handle(String target, Request base, HttpServletRequest request,
      HttpServletResponse response) throws IOException {
    base.setHandled(true);
    String method = request.getMethod();
    if ("TRACE".equalsIgnoreCase(method) || "OPTIONS".equalsIgnoreCase(method)) {
      response.sendError(HttpServletResponse.SC_FORBIDDEN);
    } else if (target.equals("/")) {
      response.setContentType("text/html;charset=utf-8");
      response.setStatus(HttpServletResponse.SC_OK);
      response.getWriter().write("For Flume metrics please click <a href = \"./metrics\"> here</a>.");
    } else if (target.equalsIgnoreCase("/metrics")) {
      response.setContentType("application/json;charset=utf-8");
      response.setStatus(HttpServletResponse.SC_OK);
      response.getWriter().write(gson.toJson(JMXPollUtil.getAllMBeans(), METRICS));
    } else {
      response.sendError(HttpServletResponse.SC_NOT_FOUND);
    }
    response.flushBuffer();
  }
}

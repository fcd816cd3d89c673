package io.sluice.source.hec;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * Netty's aggregator, whose own early answers never overtake answers still owed to earlier
 * pipelined requests of the connection. It answers a body past {@code maxContentLength} (413) and
 * an {@code Expect} header (100 Continue, 417, 413) the moment the request's head is read; while an
 * earlier request is still being delivered, the client would take that answer for the earlier
 * request's (and a client that then resends an accepted request duplicates its events). So, while
 * an answer is owed: no 100 Continue (a client sends the body without it after a short wait), and
 * instead of a 413 or 417 the earlier requests are answered and the connection closed ({@link
 * BudgetGate#closeAfterOwedAnswers}); the client sends this request again.
 */
final class InOrderAggregator extends HttpObjectAggregator {

  private final BudgetGate gate;

  /** @param gate the connection's: whether an earlier answer is owed, and closing after it */
  InOrderAggregator(int maxContentLength, BudgetGate gate) {
    super(maxContentLength);
    this.gate = gate;
  }

  @Override
  protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
    Object early = super.newContinueResponse(start, maxContentLength, pipeline);
    if (early == null || !gate.answerOwed()) {
      return early;
    }
    boolean toContinue = early instanceof HttpResponse r && r.status().code() == 100;
    ReferenceCountUtil.release(early);
    if (!toContinue) {
      gate.closeAfterOwedAnswers(pipeline.context(gate));
    }
    return null;
  }

  @Override
  protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) throws Exception {
    if (gate.answerOwed()) {
      gate.closeAfterOwedAnswers(ctx); // the caller releases the message
      return;
    }
    super.handleOversizedMessage(ctx, oversized);
  }
}

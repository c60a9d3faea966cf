using System.Text;
using Ledger.Functions.Protocol.Session;
using Microsoft.AspNetCore.Http;

namespace Ledger.Functions.Tests.Protocol;

public sealed class SessionRequestsTests
{
    private static DefaultHttpContext Context(string? target, string body)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "POST";
        if (target is not null)
        {
            context.Request.Headers[SessionRequests.TargetHeader] = target;
        }

        context.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(body));
        return context;
    }

    [Fact]
    public async Task A_well_formed_request_yields_its_command()
    {
        var result = await SessionRequests.ReadAsync(Context("QLDBSession.SendCommand", """{"StartSession":{"LedgerName":"v"}}"""));

        Assert.Equal(new StartSessionCommand("v"), result.Command);
        Assert.Null(result.Error);
    }

    [Fact]
    public async Task A_wrong_target_is_refused_before_the_body_is_read()
    {
        var context = Context("QLDBSession.Other", "{");

        var result = await SessionRequests.ReadAsync(context);

        Assert.Equal("UnknownOperationException", result.Error!.Name);
        Assert.Equal(0, context.Request.Body.Position);
    }

    [Fact]
    public async Task Oversize_and_malformed_bodies_are_bad_requests()
    {
        var oversize = await SessionRequests.ReadAsync(Context("QLDBSession.SendCommand", new string(' ', 100)), maxBodyBytes: 99);
        var malformed = await SessionRequests.ReadAsync(Context("QLDBSession.SendCommand", "{\"StartSession\":"));

        Assert.Equal("The request body exceeds the limit of 99 bytes.", oversize.Error!.Message);
        Assert.Equal("BadRequestException", malformed.Error!.Name);
        Assert.Null(malformed.Command);
    }
}

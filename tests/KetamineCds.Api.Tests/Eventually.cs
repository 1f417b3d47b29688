namespace KetamineCds.Api.Tests;

/// <summary>
/// Waits for something the service does off the request path (audit writes, rule reloads, log events) by polling,
/// with a generous ceiling instead of a fixed sleep.
/// </summary>
public static class Eventually
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not within {seconds} s");
            await Task.Delay(50);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, int seconds = 30) =>
        UntilAsync(() => Task.FromResult(condition()), what, seconds);

    /// <summary>Polls <paramref name="probe"/> until <paramref name="done"/> holds (or time runs out) and returns the last value.</summary>
    public static async Task<T> ValueAsync<T>(Func<Task<T>> probe, Func<T, bool> done, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await probe();
            if (done(value) || DateTime.UtcNow >= deadline)
            {
                return value;
            }

            await Task.Delay(50);
        }
    }
}

using Imprivata.Functions.Hosting;

namespace Imprivata.Functions.Tests.Hosting;

public class CronScheduleTests
{
    private static DateTimeOffset At(int day, int hour, int minute, int second = 0) => new(2025, 3, day, hour, minute, second, TimeSpan.Zero);

    [Fact]
    public void NextAfter_EveryFiveMinutes_NextMultipleOfFive()
    {
        var schedule = CronSchedule.Parse("0 */5 * * * *");

        Assert.Equal(At(1, 10, 5), schedule.NextAfter(At(1, 10, 2, 30)));
        Assert.Equal(At(1, 10, 10), schedule.NextAfter(At(1, 10, 5)));
        Assert.Equal(At(2, 0, 0), schedule.NextAfter(At(1, 23, 59, 59)));
    }

    [Fact]
    public void NextAfter_DailyAtTime_RollsToNextDay()
    {
        var schedule = CronSchedule.Parse("30 15 2 * * *");

        Assert.Equal(At(1, 2, 15, 30), schedule.NextAfter(At(1, 0, 0)));
        Assert.Equal(At(2, 2, 15, 30), schedule.NextAfter(At(1, 2, 15, 30)));
    }

    [Fact]
    public void NextAfter_ListsRangesAndDayOfWeek_AllApply()
    {
        // 2025-03-01 is a Saturday; weekdays 1-5 at 09:00 and 17:00.
        var schedule = CronSchedule.Parse("0 0 9,17 * * 1-5");

        Assert.Equal(At(3, 9, 0), schedule.NextAfter(At(1, 12, 0)));
        Assert.Equal(At(3, 17, 0), schedule.NextAfter(At(3, 9, 0)));
    }

    [Fact]
    public void NextAfter_StepFromValue_StartsAtValue()
    {
        var schedule = CronSchedule.Parse("10/20 * * * * *");

        Assert.Equal(At(1, 0, 0, 10), schedule.NextAfter(At(1, 0, 0)));
        Assert.Equal(At(1, 0, 0, 30), schedule.NextAfter(At(1, 0, 0, 10)));
        Assert.Equal(At(1, 0, 1, 10), schedule.NextAfter(At(1, 0, 0, 50)));
    }

    [Fact]
    public void NextAfter_ImpossibleDate_Null()
    {
        Assert.Null(CronSchedule.Parse("0 0 0 30 2 *").NextAfter(At(1, 0, 0)));
    }

    [Theory]
    [InlineData("*/5 * * * *")]
    [InlineData("60 * * * * *")]
    [InlineData("0 0 24 * * *")]
    [InlineData("0 0 0 0 * *")]
    [InlineData("0 0 0 * 13 *")]
    [InlineData("0 0 0 * * 7")]
    [InlineData("0 0 0 * FOO *")]
    public void TryParse_InvalidExpression_Rejected(string expression)
    {
        Assert.False(CronSchedule.TryParse(expression, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void NextAfter_MonthAndDayNames_ReadAsTheFunctionsHostReadsThem()
    {
        // 2025-03-01 is a Saturday: the next weekday 09:00 is Monday the 3rd; the next January 1st is in 2026.
        Assert.Equal(At(3, 9, 0), CronSchedule.Parse("0 0 9 * * MON-FRI").NextAfter(At(1, 12, 0)));
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), CronSchedule.Parse("0 0 0 1 JAN *").NextAfter(At(1, 0, 0)));
    }

    [Fact]
    public void PurgeExpiredSchedule_InFunctionJson_IsEveryFiveMinutes()
    {
        var definition = FunctionCatalog.Load(FunctionAppFolder.Path).Functions.Single(f => f.Name == PurgeExpiredFunction.Name);

        Assert.True(definition.IsTimer);
        Assert.Equal(At(1, 0, 5), CronSchedule.Parse(definition.Schedule!).NextAfter(At(1, 0, 0)));
    }
}

internal static class FunctionAppFolder
{
    public static string Path => System.IO.Path.Combine(RepoPaths.Root, "functions", "Imprivata.Functions", FunctionCatalog.FolderName);
}

using Hl7.Fhir.Model;
using KetamineCds.Api.Fhir;
using KetamineCds.Rules.Evaluation;
using KetamineCds.Rules.Record;
using KetamineCds.Rules.Model;

namespace KetamineCds.Api.RulePack;

/// <summary>
/// Runs the FHIR parser and the whole pack once at start-up, so the first EHR call does not pay for JIT and model
/// reflection: a cold process answers its first order-sign an order of magnitude slower than a warm one.
/// </summary>
public sealed class RulePackWarmUp(RulePackProvider packs, [FromKeyedServices(ClinicalClock.Key)] TimeProvider clock) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var patient = FhirJson.Parse("""{"resourceType":"Patient","id":"warm-up","birthDate":"1980-01-01","gender":"female"}""")!;
        var order = new MedicationRequest
        {
            Id = "warm-up",
            Medication = new CodeableConcept("http://www.nlm.nih.gov/research/umls/rxnorm", "6130"),
        };
        foreach (var hook in new[] { Hooks.OrderSign, Hooks.PatientView })
        {
            HookEvaluation.Evaluate(packs.Current, hook, [patient], [order], selections: null, clock.GetUtcNow());
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Ledger.Ion;

namespace Ledger.Journal.Model;

/// <summary>A block's address in the journal: <c>{strandId:"…",sequenceNo:N}</c> (spec 4.1).</summary>
/// <param name="StrandId">The 22-character strand id.</param>
/// <param name="SequenceNo">The 0-based position of the block in the strand.</param>
public sealed record BlockAddress(string StrandId, long SequenceNo)
{
    /// <summary>The Ion struct, fields in QLDB's order.</summary>
    public IonStruct ToIon() => IonStruct.Of(new IonField("strandId", IonString.Of(StrandId)), new IonField("sequenceNo", IonInt.Of(SequenceNo)));

    /// <summary>Compact Ion text as QLDB's APIs carry it, e.g. <c>{strandId:"KmA3ZZca7vAIiJAK9S5Iwl",sequenceNo:100}</c>.</summary>
    public string ToIonText() => IonText.Write(ToIon());

    /// <summary>Reads an address struct.</summary>
    public static BlockAddress FromIon(IonValue value)
    {
        var address = IonRead.Struct(value, "blockAddress");
        var sequenceNo = IonRead.Int(address, "sequenceNo", "blockAddress");
        if (sequenceNo < 0)
        {
            throw new JournalFormatException("blockAddress.sequenceNo must not be negative.");
        }

        return new BlockAddress(IonRead.String(address, "strandId", "blockAddress"), sequenceNo);
    }

    /// <summary>Parses the Ion text of an address (the <c>IonText</c> member of QLDB's ValueHolder).</summary>
    public static BlockAddress Parse(string ionText) => FromIon(IonText.Parse(ionText));

    /// <inheritdoc/>
    public override string ToString() => ToIonText();
}
